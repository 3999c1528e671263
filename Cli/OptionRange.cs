using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace IlgpuSiamese.Cli;

/// <summary>
/// The valid range of a numeric option, checked while parsing: a value outside it is a parse error
/// that names the option and the range (exit code 2).
/// </summary>
public static class OptionRange
{
    public static Option<T> Within<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result => Check(result, option.Name, result.GetValueOrDefault<T>(), min, max));
        return option;
    }

    public static Option<T?> Within<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value)
                Check(result, option.Name, value, min, max);
        });
        return option;
    }

    /// <summary>"between 1 and 4096", the words every range error uses.</summary>
    public static string Between<T>(T min, T max) where T : INumber<T> =>
        string.Create(CultureInfo.InvariantCulture, $"between {min} and {max}");

    private static void Check<T>(System.CommandLine.Parsing.OptionResult result, string name, T value, T min, T max) where T : struct, INumber<T>
    {
        if (!(value >= min && value <= max))
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {Between(min, max)}; got {value}."));
    }
}
