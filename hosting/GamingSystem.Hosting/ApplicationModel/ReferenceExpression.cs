using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>
/// Text with holes filled by value providers, written as an interpolated string:
/// <c>ReferenceExpression.Create($"{host}:{port}")</c>. Resolves to the run's values, or renders
/// the providers' manifest expressions.
/// </summary>
public sealed class ReferenceExpression : IValueProvider
{
    private ReferenceExpression(string format, IReadOnlyList<IValueProvider> valueProviders)
    {
        Format = format;
        ValueProviders = valueProviders;
    }

    /// <summary>A composite format string; placeholder <c>{i}</c> is <see cref="ValueProviders"/>[i].</summary>
    public string Format { get; }

    public IReadOnlyList<IValueProvider> ValueProviders { get; }

    public string ValueExpression =>
        string.Format(CultureInfo.InvariantCulture, Format, [.. ValueProviders.Select(p => p.ValueExpression)]);

    public bool IsSecret => ValueProviders.Any(p => p.IsSecret);

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => handler.Build();

    public static ReferenceExpression Literal(string value) => new(Escape(value), []);

    public async ValueTask<string> GetValueAsync(IValueResolver resolver, CancellationToken cancellationToken = default)
    {
        var values = new object[ValueProviders.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = await ValueProviders[i].GetValueAsync(resolver, cancellationToken).ConfigureAwait(false);
        }

        return string.Format(CultureInfo.InvariantCulture, Format, values);
    }

    public override string ToString() => ValueExpression;

    private static string Escape(string literal) => literal.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>Turns an interpolated string into a format plus providers.</summary>
    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly StringBuilder _format;
        private readonly List<IValueProvider> _providers;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _format = new StringBuilder(literalLength + (formattedCount * 4));
            _providers = new List<IValueProvider>(formattedCount);
        }

        public readonly void AppendLiteral(string value) => _format.Append(Escape(value));

        public readonly void AppendFormatted(string? value) => AppendLiteral(value ?? string.Empty);

        public readonly void AppendFormatted(IValueProvider value)
        {
            _format.Append('{').Append(_providers.Count).Append('}');
            _providers.Add(value);
        }

        internal readonly ReferenceExpression Build() => new(_format.ToString(), [.. _providers]);
    }
}
