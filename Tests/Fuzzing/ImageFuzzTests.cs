using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of small PNG, BMP, JPEG and GIF images: 10,000 inputs, each fitted to 28x28 or refused
/// by name. One file name serves them all: the format is recognised from the content.
/// </summary>
public class ImageFuzzTests
{
    private static byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var image = new Image<Rgba32>(6, 5);
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
            image[x, y] = new Rgba32((byte)(40 * x), (byte)(50 * y), 90, (byte)(255 - 20 * x));
        using var bytes = new MemoryStream();
        image.Save(bytes, encoder);
        return bytes.ToArray();
    }

    [Test]
    public void EveryMutatedImageIsPreparedOrRefusedByName()
    {
        using var folder = new TempFolder();
        byte[][] valid = [Encode(new PngEncoder()), Encode(new BmpEncoder()), Encode(new JpegEncoder()), Encode(new GifEncoder())];
        var path = folder["fuzzed.png"];
        var mutator = new Mutator(seed: 13);
        var preparations = Enum.GetValues<ImagePreparation>();
        var tally = Fuzz.Run(10_000, path, i => mutator.Mutate(valid[i % valid.Length]), (i, bytes) =>
        {
            File.WriteAllBytes(path, bytes);
            // Every preparation in turn: each reads the file, then shapes the pixels its own way.
            GrayImages.Read(path, 28, 28, preparations[i % preparations.Length], InvertMode.Auto);
        });
        Assert.That(tally.Refused, Is.GreaterThan(0));
        Assert.That(tally.Accepted, Is.GreaterThan(1_000), "most changed pixels leave a readable image");
    }
}
