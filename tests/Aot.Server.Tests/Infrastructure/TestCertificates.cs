using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>Certificates made in the test for <c>--tls-cert</c> / <c>--tls-key</c>.</summary>
internal static class TestCertificates
{
    /// <summary>A self-signed certificate for 127.0.0.1 / localhost as PEM files in <paramref name="folder"/>; returns their paths and its SHA-1 thumbprint.</summary>
    public static (string Certificate, string Key, string Thumbprint) WriteSelfSigned(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string cert = Path.Combine(folder, "server.pem");
        string key = Path.Combine(folder, "server.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key, certificate.GetCertHashString());
    }
}
