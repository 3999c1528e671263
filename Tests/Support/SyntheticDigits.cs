using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Support;

/// <summary>A tiny 28×28 labelled set whose classes differ by where a bright bar lies, with noise: learnable in seconds.</summary>
public static class SyntheticDigits
{
    public static DatasetSplit Create(int classes = 6, int trainPerClass = 24, int testPerClass = 10, int seed = 3)
    {
        var random = new Random(seed);
        LabelledImages Make(string name, int perClass)
        {
            var count = classes * perClass;
            var pixels = new byte[count * 28 * 28];
            var labels = new int[count];
            for (var i = 0; i < count; i++)
            {
                var label = i % classes;
                labels[i] = label;
                var image = pixels.AsSpan(i * 784, 784);
                for (var p = 0; p < 784; p++)
                    image[p] = (byte)random.Next(0, 40);
                var row = 3 + label * 22 / classes + random.Next(0, 2);
                for (var y = row; y < row + 3; y++)
                for (var x = 4; x < 24; x++)
                    image[y * 28 + x] = (byte)random.Next(200, 256);
            }
            return new LabelledImages(name, 28, 28, pixels, labels, Enumerable.Range(0, classes).Select(c => c.ToString()).ToList());
        }
        return new DatasetSplit(Make("synthetic", trainPerClass), Make("synthetic (test)", testPerClass), ImagePreparation.Mnist);
    }
}
