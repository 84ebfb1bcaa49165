using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace GamingSystem.Gateway;

/// <summary>
/// A PATCH names the fields it changes by sending them: when a route's body is one field (<c>body: "settings"</c>)
/// and the request has an <c>update_mask</c> the caller did not give, the mask is the body's top-level fields, by
/// their proto names (AIP-134's rule). So <c>{"masterVolume": 40}</c> changes the master volume and nothing else.
/// </summary>
internal static class UpdateMask
{
    public const string FieldName = "update_mask";

    public static void DeriveFromBody(HttpRoute route, IMessage message, string? bodyJson)
    {
        if (bodyJson is null || route.Body is "" or "*")
        {
            return;
        }

        var maskField = route.Method.InputType.FindFieldByName(FieldName);
        if (maskField?.MessageType?.FullName != FieldMask.Descriptor.FullName
            || maskField.Accessor.GetValue(message) is FieldMask { Paths.Count: > 0 })
        {
            return;
        }

        var bodyType = route.Method.InputType.FindFieldByName(route.Body).MessageType;
        using var document = JsonDocument.Parse(bodyJson);
        var mask = new FieldMask();
        // The body was parsed already, so every property names a field of the body's type.
        mask.Paths.AddRange(document.RootElement.EnumerateObject()
            .Select(property => bodyType.Fields.InDeclarationOrder().First(f => f.JsonName == property.Name || f.Name == property.Name).Name));
        maskField.Accessor.SetValue(message, mask);
    }
}
