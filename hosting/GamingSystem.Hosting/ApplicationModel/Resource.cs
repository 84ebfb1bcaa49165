using System.Text.RegularExpressions;

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>Base of every resource: a validated name and its annotations.</summary>
public abstract partial class Resource : IResource
{
    protected Resource(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        // Names end up in environment variable names, file names and manifest keys, so they
        // stay within the characters all three accept.
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use lowercase letters, digits and dashes, starting with a letter.",
                nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    public ResourceAnnotationCollection Annotations { get; } = [];

    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ValidName();
}
