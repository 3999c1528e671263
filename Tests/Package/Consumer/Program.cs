// The five lines of the README, with the two images and the device taken from the command line: consumer A B DEVICE.
using IlgpuSiamese;

using var model = SiameseModel.LoadBundled(args[2]);
var result = model.Compare(SiameseImage.FromFile(args[0]), SiameseImage.FromFile(args[1]));
Console.WriteLine($"{result.Similarity:0.0000} {(result.Same ? "same" : "different")}");
