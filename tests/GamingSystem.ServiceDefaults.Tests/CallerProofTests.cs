using System.Security.Cryptography;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;

namespace GamingSystem.ServiceDefaults.Tests;

/// <summary>Only the holder of the signing key can say which player a request is for; services check it.</summary>
public sealed class CallerProofTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Clock _clock = new();

    [Fact]
    public void A_proof_signed_by_the_gateway_verifies_for_its_player_only()
    {
        using var gateway = Gateway();
        using var service = Service();

        var proof = gateway.Sign("alice");

        Assert.True(service.Verify("alice", proof));
        Assert.False(service.Verify("mallory", proof));
    }

    [Fact]
    public void A_proof_expires()
    {
        using var gateway = Gateway();
        using var service = Service();
        var proof = gateway.Sign("alice");

        _clock.Advance(CallerProofs.Lifetime + TimeSpan.FromSeconds(1));

        Assert.False(service.Verify("alice", proof));
    }

    [Fact]
    public void The_gateway_renews_a_players_proof_when_half_its_life_is_gone()
    {
        using var gateway = Gateway();
        var first = gateway.Sign("alice");

        _clock.Advance(CallerProofs.Lifetime / 4);
        Assert.Equal(first, gateway.Sign("alice"));
        _clock.Advance(CallerProofs.Lifetime / 2);
        Assert.NotEqual(first, gateway.Sign("alice"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("4102444800.AAAA")]
    [InlineData("abc.AAAA")]
    [InlineData("1.!!!")]
    public void A_forged_or_malformed_proof_is_refused(string proof)
    {
        using var service = Service();

        Assert.False(service.Verify("alice", proof));
        Assert.False(service.Verify("alice", null));
    }

    [Fact]
    public void A_proof_with_a_changed_expiry_is_refused()
    {
        using var gateway = Gateway();
        using var service = Service();
        var proof = gateway.Sign("alice")!;
        var dot = proof.IndexOf('.', StringComparison.Ordinal);

        var longer = $"{long.Parse(proof[..dot], System.Globalization.CultureInfo.InvariantCulture) + 60}{proof[dot..]}";

        Assert.False(service.Verify("alice", longer));
    }

    [Fact]
    public void A_proof_signed_with_another_key_is_refused()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = new CallerProofs(Configuration(ProcessSettings.CallerSigningKey, Convert.ToBase64String(otherKey.ExportPkcs8PrivateKey())), _clock);
        using var service = Service();

        Assert.False(service.Verify("alice", impostor.Sign("alice")));
    }

    [Fact]
    public void A_service_cannot_sign_and_without_a_public_key_trusts_the_header_as_sent()
    {
        using var service = Service();
        using var unconfigured = new CallerProofs(new ConfigurationBuilder().Build(), _clock);

        Assert.Null(service.Sign("alice"));
        Assert.True(service.Verifies);
        Assert.False(unconfigured.Verifies);
        Assert.True(unconfigured.Verify("alice", null));
    }

    [Fact]
    public void A_key_that_is_not_a_key_fails_at_start_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new CallerProofs(Configuration(ProcessSettings.CallerVerifyKey, "bm90IGEga2V5"), _clock));

        Assert.Contains(ProcessSettings.CallerVerifyKey, error.Message);
    }

    public void Dispose() => _key.Dispose();

    private CallerProofs Gateway() =>
        new(Configuration(ProcessSettings.CallerSigningKey, Convert.ToBase64String(_key.ExportPkcs8PrivateKey())), _clock);

    private CallerProofs Service() =>
        new(Configuration(ProcessSettings.CallerVerifyKey, Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo())), _clock);

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
