using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Runs a parser over many inputs: each must be accepted, or refused with a <see cref="UserInputException"/>
/// whose message starts with the file's name. Anything else fails the test with the input that caused it.
/// </summary>
public static class Fuzz
{
    public sealed record Tally(int Accepted, int Refused);

    /// <summary><paramref name="parse"/> gets each input with its index, the same index <paramref name="input"/> made it from.</summary>
    public static Tally Run(int count, string name, Func<int, byte[]> input, Action<int, byte[]> parse)
    {
        var (accepted, refused) = (0, 0);
        for (var i = 0; i < count; i++)
        {
            var bytes = input(i);
            try
            {
                parse(i, bytes);
                accepted++;
            }
            catch (UserInputException e) when (e.Message.StartsWith(name, StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} ({bytes.Length} bytes, starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(48, bytes.Length)))}) escaped as {e}");
            }
        }
        TestContext.Out.WriteLine($"{count} inputs: {accepted} accepted, {refused} refused by name");
        return new Tally(accepted, refused);
    }
}
