using System.CommandLine;
using System.CommandLine.Parsing;
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
        option.Validators.Add(result => Check(result, option.Name, min, max));
        return option;
    }

    public static Option<T?> Within<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result => Check(result, option.Name, min, max));
        return option;
    }

    /// <summary>
    /// Only a value given on the command line is checked: defaults lie in range, and a value that is not
    /// a number is already System.CommandLine's own parse error.
    /// </summary>
    private static void Check<T>(OptionResult result, string name, T min, T max) where T : struct, INumber<T>
    {
        if (result.Tokens is [.., var token] && T.TryParse(token.Value, CultureInfo.InvariantCulture, out var value) && !(value >= min && value <= max))
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; got {value}."));
    }
}
