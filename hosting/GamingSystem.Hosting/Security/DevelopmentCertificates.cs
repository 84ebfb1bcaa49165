using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aspire.Hosting.Security;

/// <summary>
/// A certificate authority made for one run and a server certificate it signed for this machine's loopback names
/// (localhost, 127.0.0.1, ::1), written once into the run's private folder: nats-server and redis-server present
/// the certificate, and clients trust the CA alone (not the machine's store), so they verify the servers for real.
/// </summary>
public sealed record DevelopmentCertificates(string CaFile, string CertificateFile, string KeyFile)
{
    private static readonly Lock Gate = new();

    /// <summary>The run's certificates, made on first use.</summary>
    public static DevelopmentCertificates For(RunFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var folder = files.DirectoryFor("tls");
        var certificates = new DevelopmentCertificates(
            Path.Combine(folder, "ca.pem"), Path.Combine(folder, "server.pem"), Path.Combine(folder, "server-key.pem"));
        lock (Gate)
        {
            if (!File.Exists(certificates.KeyFile))
            {
                certificates.Create();
            }
        }

        return certificates;
    }

    private void Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=GamingSystem development CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(7), RandomNumberGenerator.GetBytes(16));

        RunFiles.WritePrivateFile(CaFile, ca.ExportCertificatePem());
        RunFiles.WritePrivateFile(CertificateFile, server.ExportCertificatePem());
        RunFiles.WritePrivateFile(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }
}
