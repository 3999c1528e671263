namespace IlgpuSiamese.DigitPhotos;

/// <summary>The ways people photograph or scan a digit, each rendered from a 28x28 MNIST digit by <see cref="DigitRenderer"/>.</summary>
public enum PhotoKind
{
    /// <summary>The digit as it is (light on dark), enlarged to a 224x224 JPEG.</summary>
    Jpeg,

    /// <summary>Dark ink on light paper, 84x84 PNG.</summary>
    Inverted,

    /// <summary>Coloured ink on tinted paper, 140x140 JPEG.</summary>
    Coloured,

    /// <summary>Black ink on white paper, the digit at twice its size somewhere on a 336x112 canvas, JPEG.</summary>
    OffCentre,
}
