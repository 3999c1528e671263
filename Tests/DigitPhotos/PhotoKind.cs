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

    /// <summary>Written inside a ruled box on a form: the box's lines close around the digit, a ruled line runs across the page, JPEG.</summary>
    Boxed,

    /// <summary>A phone photo of paper lit from one side: the light falls off across the page, sensor noise, JPEG.</summary>
    SideLit,

    /// <summary>Written with a thick marker: the strokes dilated to two or three times their width, JPEG.</summary>
    Thick,

    /// <summary>Rotated by 8 to 20 degrees either way, black on white, JPEG.</summary>
    Rotated,

    /// <summary>Large, out of focus and saved as a low-quality JPEG.</summary>
    Blurred,
}
