using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GamingSystem.Contracts;
using Microsoft.Extensions.Configuration;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>
/// Who may say which player a request is for. The gateway, alone holding the private key, signs the player id it
/// authenticated (<see cref="MessagingHeaders.CallerProof"/>: expiry and an ECDSA P-256 signature); every service
/// holds only the public key and refuses a <see cref="MessagingHeaders.PlayerId"/> without a valid proof. A service
/// calling another forwards the proof it received, so it can act for the player who called it, and for nobody else.
/// Without a public key configured (a bus without the AppHost's identities) the header is trusted as sent.
/// </summary>
public sealed class CallerProofs : IDisposable
{
    /// <summary>How long a proof is valid; the gateway signs a new one for a player when half of it is gone.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int MaxCached = 10_000;

    private readonly ECDsa? _signer;
    private readonly ECDsa? _verifier;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Proof, DateTimeOffset Renew)> _signed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string PlayerId, long Expires)> _verified = new(StringComparer.Ordinal);

    public CallerProofs(IConfiguration configuration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _time = time;
        _signer = Key(configuration[ProcessSettings.CallerSigningKey], (key, bytes) => key.ImportPkcs8PrivateKey(bytes, out _), ProcessSettings.CallerSigningKey);
        _verifier = Key(configuration[ProcessSettings.CallerVerifyKey], (key, bytes) => key.ImportSubjectPublicKeyInfo(bytes, out _), ProcessSettings.CallerVerifyKey);
    }

    /// <summary>Whether this process checks player ids (the AppHost configured the gateway's public key).</summary>
    public bool Verifies => _verifier is not null;

    /// <summary>A proof for <paramref name="playerId"/>, or null when this process holds no signing key (only the gateway does).</summary>
    public string? Sign(string playerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        if (_signer is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (_signed.TryGetValue(playerId, out var cached) && cached.Renew > now)
        {
            return cached.Proof;
        }

        var expires = (now + Lifetime).ToUnixTimeSeconds();
        var signature = _signer.SignData(Signed(playerId, expires), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var proof = $"{expires.ToString(CultureInfo.InvariantCulture)}.{Base64Url.EncodeToString(signature)}";
        Bound(_signed)[playerId] = (proof, now + Lifetime / 2);
        return proof;
    }

    /// <summary>Whether a request may act for <paramref name="playerId"/>: its proof is the gateway's, for this player, unexpired.</summary>
    public bool Verify(string playerId, string? proof)
    {
        if (_verifier is null)
        {
            return true;
        }

        if (string.IsNullOrEmpty(playerId) || string.IsNullOrEmpty(proof))
        {
            return false;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (_verified.TryGetValue(proof, out var known))
        {
            return known.PlayerId == playerId && known.Expires > now;
        }

        var dot = proof.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(proof.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires <= now
            || expires > now + (long)Lifetime.TotalSeconds + 60)
        {
            return false;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(proof.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!_verifier.VerifyData(Signed(playerId, expires), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return false;
        }

        Bound(_verified)[proof] = (playerId, expires);
        return true;
    }

    private static byte[] Signed(string playerId, long expires) =>
        Encoding.UTF8.GetBytes($"gaming-player\n{playerId}\n{expires.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The caches only save work; past their bound they start over rather than grow.</summary>
    private static ConcurrentDictionary<string, T> Bound<T>(ConcurrentDictionary<string, T> cache)
    {
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }

        return cache;
    }

    private static ECDsa? Key(string? base64, Action<ECDsa, byte[]> import, string setting)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            import(key, Convert.FromBase64String(base64));
            return key;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} is not a valid key: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        _signer?.Dispose();
        _verifier?.Dispose();
    }
}
