using System.Buffers;
using System.Text;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Net.Http.Headers;

namespace GamingSystem.Gateway;

/// <summary>The JSON text of a request body.</summary>
internal static class RequestBody
{
    // A StreamReader would turn bytes that are not UTF-8 into U+FFFD and pass a different text on as if it had
    // been sent; JSON is UTF-8 (RFC 8259), so anything else is the client's mistake and is refused.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The body as text, or null when there is none (empty or only white space).</summary>
    /// <exception cref="BadHttpRequestException">413 when the body is larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<string?> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0)
        {
            return null;
        }

        if (request.ContentType is { } contentType && !IsJson(contentType))
        {
            throw new BadHttpRequestException($"body: Content-Type must be application/json, not {contentType}", StatusCodes.Status415UnsupportedMediaType);
        }

        using var buffer = new MemoryStream();
        var length = await ReadAtMostAsync(request, buffer, maxBytes, cancellationToken).ConfigureAwait(false);
        if (length > maxBytes)
        {
            throw new BadHttpRequestException(
                $"the request body is larger than the gateway's limit of {maxBytes} bytes ({GatewayOptions.SectionName}:{nameof(GatewayOptions.MaxRequestBodyBytes)})",
                StatusCodes.Status413PayloadTooLarge);
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith(ByteOrderMark))
        {
            bytes = bytes[ByteOrderMark.Length..];
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var bad = string.Join(' ', (ex.BytesUnknown ?? []).Select(b => $"0x{b:X2}"));
            throw ServiceException.InvalidArgument("body", $"is not UTF-8: byte {bad} at offset {ex.Index} is not valid UTF-8; JSON must be sent as UTF-8");
        }

        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>application/json, with parameters or without (a charset other than UTF-8 is refused once the bytes are read).</summary>
    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Keeps up to <paramref name="maxBytes"/> and returns the body's length; more than that is read and thrown
    /// away rather than left unread. A server that answers 413 and closes while the client is still sending
    /// makes the client's TCP stack see a reset, and the client an I/O error instead of the 413. Kestrel's own
    /// limit (twice ours, see GatewayExtensions) bounds what is read in vain; past it the connection is cut.
    /// </summary>
    private static async Task<long> ReadAtMostAsync(HttpRequest request, MemoryStream kept, long maxBytes, CancellationToken cancellationToken)
    {
        var keep = request.ContentLength is not { } announced || announced <= maxBytes;
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                keep &= length <= maxBytes;
                if (keep)
                {
                    kept.Write(chunk, 0, read);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's hard limit: the body is too large either way, and the limit to report is ours.
            return long.MaxValue;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return length;
    }
}
