using System.CommandLine;
using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli;

/// <summary>Options shared by several commands; each call returns a new Option, since a command owns its options.</summary>
public static class CommonOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "mnist, fashion-mnist, a folder of IDX files, or an image folder (one subfolder of images per class).",
        DefaultValueFactory = _ => "mnist",
    };

    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = $"The dataset cache folder (default: ${DataLocation.EnvironmentVariable}, else ~/.cache/ilgpu-siamese).",
    };

    public static Option<int> Seed() => new Option<int>("--seed")
    {
        Description = "Random seed: the same seed gives the same result.",
        DefaultValueFactory = _ => 42,
    }.Within(0, int.MaxValue);

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON." };

    /// <summary>--device, its syntax checked while parsing (a usage error); whether the machine has that device is checked on opening it.</summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device")
        {
            Description = "The accelerator: auto|cuda|opencl|cpu[:N] (see `siamese devices`).",
            DefaultValueFactory = _ => "auto",
        };
        option.Validators.Add(result =>
        {
            try
            {
                if (result.Tokens is [.., var token])
                    DeviceRequest.Parse(token.Value);
            }
            catch (FormatException e)
            {
                result.AddError($"--device {e.Message}");
            }
        });
        return option;
    }

    public static Option<InvertMode> Invert() => new("--invert")
    {
        HelpName = "auto|yes|no",
        Description = "Invert images to MNIST's light-on-dark: auto (when an image's border is lighter than the middle of its darkest and lightest pixel), yes or no.",
        DefaultValueFactory = _ => InvertMode.Auto,
    };

    public static Option<ImagePreparation?> Prepare() => new("--prepare")
    {
        HelpName = "mnist|fit|stretch",
        Description = "How images become the model's inputs: mnist (ink cropped, fitted to 20x20, centred by mass in 28x28, as MNIST was made), " +
                      "fit (the whole image fitted keeping its aspect, padded), stretch. Default: what the model file records.",
    };

    public static Option<bool> Strict() => new("--strict")
    {
        Description = "Fail on an unreadable image instead of skipping it with a warning.",
    };
}
