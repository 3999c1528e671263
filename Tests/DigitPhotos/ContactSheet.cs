using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.DigitPhotos;

/// <summary>
/// A PNG to look at what preparation makes of each kind: one row per kind folder, files evenly spaced through it, each as rendered and,
/// beside it, as the model gets it (MNIST-style, 28x28, light on dark), both drawn 84x84.
/// </summary>
public static class ContactSheet
{
    private const int Cell = 84;

    public static void Write(string renders, string output, int perKind)
    {
        var kinds = Directory.GetDirectories(renders).Order(StringComparer.Ordinal).ToList();
        using var sheet = new Image<L8>(2 * Cell * perKind, Cell * kinds.Count, new L8(128));
        for (var row = 0; row < kinds.Count; row++)
        {
            var all = GrayImages.FilesIn(kinds[row]);
            var files = Enumerable.Range(0, perKind).Select(i => all[i * all.Count / perKind]).ToList();
            for (var column = 0; column < files.Count; column++)
            {
                using var photo = Image.Load<L8>(files[column]);
                photo.Mutate(x => x.Resize(Cell - 2, Cell - 2));
                var prepared = GrayImages.Read(files[column], 28, 28, ImagePreparation.Mnist, InvertMode.Auto);
                using var input = Image.LoadPixelData<L8>(prepared, 28, 28);
                input.Mutate(x => x.Resize(Cell - 2, Cell - 2, KnownResamplers.NearestNeighbor));
                sheet.Mutate(x => x.DrawImage(photo, new Point(2 * Cell * column, Cell * row), 1f)
                    .DrawImage(input, new Point(2 * Cell * column + Cell, Cell * row), 1f));
            }
        }
        sheet.SaveAsPng(output);
    }
}
