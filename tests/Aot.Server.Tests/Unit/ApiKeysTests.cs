using System.Text;
using Aot.Server.Models;
using Aot.Server.Security;

namespace Aot.Server.Tests.Unit;

/// <summary>Where keys come from and what counts as a match. <c>AOT_API_KEY</c> is read by the end-to-end tests (a process's environment).</summary>
public sealed class ApiKeysTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_key_file_holds_one_key_a_line_trimmed_without_blank_lines_or_comments()
    {
        ApiKeys keys = ApiKeys.Load(Write("# keys\n\n  first-key \r\nsecond key with spaces\n#not-a-key\n"))!;
        Assert.Equal(2, keys.Count);
        Assert.True(keys.Accepts("first-key".AsSpan()));
        Assert.True(keys.Accepts("second key with spaces".AsSpan()));
        Assert.True(keys.Accepts(Encoding.UTF8.GetBytes("first-key")));
        foreach (string other in (string[])["", " first-key", "first-ke", "first-keyy", "#not-a-key", "# keys", "FIRST-KEY"])
        {
            Assert.False(keys.Accepts(other.AsSpan()), other);
        }
    }

    [Fact]
    public void A_file_without_a_key_or_with_an_overlong_key_is_a_startup_error_that_shows_no_key()
    {
        string empty = Write("# rotate soon\n\n");
        Assert.Equal($"--api-key-file {empty} holds no key (one key a line; blank lines and # comments are skipped).",
            Assert.Throws<StartupException>(() => ApiKeys.Load(empty)).Message);

        string overlong = new('k', ApiKeys.MaxKeyBytes + 1);
        StartupException tooLong = Assert.Throws<StartupException>(() => ApiKeys.Load(Write(overlong + "\n")));
        Assert.DoesNotContain("kkkk", tooLong.Message);
        Assert.Contains($"longer than {ApiKeys.MaxKeyBytes} bytes", tooLong.Message);

        Assert.StartsWith("Cannot read --api-key-file /no/such/file:", Assert.Throws<StartupException>(() => ApiKeys.Load("/no/such/file")).Message);
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER  abc ", "abc")]
    [InlineData("Basic abc", "")]
    [InlineData("Bearer", "")]
    [InlineData("Bearerabc", "")]
    [InlineData("", "")]
    public void The_bearer_token_is_read_from_the_authorization_value(string authorization, string token) =>
        Assert.Equal(token, ApiKeys.BearerToken(authorization).ToString());

    private string Write(string text)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }
}
