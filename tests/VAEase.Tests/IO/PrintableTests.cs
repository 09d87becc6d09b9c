using VAEase.IO;

namespace VAEase.Tests.IO;

public sealed class PrintableTests
{
    [Theory]
    [InlineData("runs/a.npy", "runs/a.npy")]
    [InlineData("evil\u001b[2Jname", "evil\\u001b[2Jname")]
    [InlineData("two\nlines\r\n", "two\\u000alines\\u000d\\u000a")]
    [InlineData("tab\there\u2028", "tab\\u0009here\\u2028")]
    [InlineData("ünïcödé ∑", "ünïcödé ∑")]
    public void Control_characters_become_escapes_and_the_rest_stays(string text, string expected)
    {
        Assert.Equal(expected, Printable.Escape(text));
    }
}
