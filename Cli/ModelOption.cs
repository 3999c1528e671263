using System.CommandLine;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Cli;

/// <summary><c>--model</c>: a model file; without it, the bundled <c>models/mnist.siamese</c> of this checkout.</summary>
public static class ModelOption
{
    public const string BundledModel = "models/mnist.siamese";

    public static Option<string?> Create() => new("--model")
    {
        Description = $"Model file (default: the bundled {BundledModel}).",
    };

    public static string Resolve(string? option)
    {
        if (option is not null)
            return option;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, BundledModel);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new UserInputException($"no --model given and the bundled {BundledModel} was not found; train one with './siamese train'.");
    }
}
