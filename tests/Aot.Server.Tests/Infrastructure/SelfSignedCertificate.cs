using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>A self-signed certificate for 127.0.0.1 / localhost written as PEM files, for the TLS tests.</summary>
internal static class SelfSignedCertificate
{
    /// <summary>Writes <c>server.pem</c> and <c>server.key</c> into <paramref name="folder"/>; returns their paths and the SHA-1 thumbprint.</summary>
    public static (string Certificate, string Key, string Thumbprint) Write(string folder)
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
