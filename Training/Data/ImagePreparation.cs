using System.Text.Json;
using System.Text.Json.Serialization;

namespace IlgpuSiamese.Training.Data;

/// <summary>How an image from outside a dataset becomes a model input; a model file records the one it was trained for.</summary>
[JsonConverter(typeof(ImagePreparationJson))]
public enum ImagePreparation
{
    /// <summary>As MNIST was made: the ink cropped, fitted to 20x20 keeping its aspect, placed in 28x28 by its centre of mass.</summary>
    Mnist,

    /// <summary>The whole image fitted keeping its aspect ratio, centred and padded with 0.</summary>
    Fit,

    /// <summary>The whole image stretched to the input size (image-folder datasets).</summary>
    Stretch,
}

/// <summary>Writes the preparation by its lower-case name ("mnist") in model headers.</summary>
public sealed class ImagePreparationJson() : JsonStringEnumConverter<ImagePreparation>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
