using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// How far training-time augmentation may change an image. Each image draws, per epoch, a rotation in
/// ±MaxRotation (radians), an isotropic scale in [MinScale, MaxScale], a shift in ±MaxShift pixels on each
/// axis, a stroke change (dilation with DilateProbability, erosion with ErodeProbability, else none), a blur
/// sigma in [0, MaxBlurSigma] pixels and a noise standard deviation in [0, MaxNoise] (pixels in [0, 1]).
/// </summary>
public readonly struct AugmentRanges(float maxRotation, float minScale, float maxScale, float maxShift,
    float dilateProbability, float erodeProbability, float maxBlurSigma, float maxNoise)
{
    public readonly float MaxRotation = maxRotation;
    public readonly float MinScale = minScale;
    public readonly float MaxScale = maxScale;
    public readonly float MaxShift = maxShift;
    public readonly float DilateProbability = dilateProbability;
    public readonly float ErodeProbability = erodeProbability;
    public readonly float MaxBlurSigma = maxBlurSigma;
    public readonly float MaxNoise = maxNoise;

    /// <summary>
    /// What <c>train --augment</c> uses: digits as phones and forms capture them, still readable. Chosen by the default run's
    /// MNIST test-pair accuracy (docs/results.md): with erosion in 2 images of 10, σ up to 1 and noise up to 0.05 it ended at
    /// 0.9943, below the plain run's 0.9962; these ranges end at 0.9954.
    /// </summary>
    public static AugmentRanges Default => new(maxRotation: 15f * MathF.PI / 180f, minScale: 0.9f, maxScale: 1.1f, maxShift: 2f,
        dilateProbability: 0.25f, erodeProbability: 0.1f, maxBlurSigma: 0.8f, maxNoise: 0.04f);

    /// <summary>Every range closed to its neutral value: the pipeline then gives the plain gather.</summary>
    public static AugmentRanges None => new(0f, 1f, 1f, 0f, 0f, 0f, 0f, 0f);
}

/// <summary>
/// images: (Count, H, W) bytes  indices: (N)  batch: (N, H, W) floats in [0, 1]  parameters: (ParameterCount, N).
/// Seed and Epoch pick the draws: an image draws the same parameters wherever it appears within one epoch.
/// </summary>
public readonly struct AugmentShape(int batch, int height, int width, uint seed, int epoch, AugmentRanges ranges)
{
    public readonly int Batch = batch;
    public readonly int Height = height;
    public readonly int Width = width;
    public readonly int Epoch = epoch;
    public readonly AugmentRanges Ranges = ranges;

    // Keys of their own, so that no draw here shares a Philox stream with the dropout masks (keyed by the seed's own hash).
    public readonly uint ParameterKey = seed ^ 0x6A09E667u;
    public readonly uint NoiseKey = seed ^ 0xBB67AE85u;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Pixels => Height * Width;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * Pixels;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int ParametersLength => AugmentParameter.Count * Batch;
}

/// <summary>
/// Rows of the per-image parameters, stored (ParameterCount, N) so that consecutive images are consecutive addresses.
/// The warp's inverse map is src = R(−θ)(dst − c − t)/s + c with c the image's centre: InverseCos = cos θ / s,
/// InverseSin = sin θ / s. Morph is +1 (dilate), −1 (erode) or 0. BlurWeight is w of the 3-tap kernel [w, 1, w]/(1 + 2w)
/// applied along both axes, w = exp(−1/(2σ²)) (0 at σ = 0). NoiseSd scales a unit-variance noise.
/// </summary>
public static class AugmentParameter
{
    public const int InverseCos = 0, InverseSin = 1, ShiftX = 2, ShiftY = 3, Morph = 4, BlurWeight = 5, NoiseSd = 6, Count = 7;

    /// <summary>
    /// The draws, numbered: Philox step = epoch·DrawCount + draw, index = the image's dataset index, key = ParameterKey.
    /// </summary>
    public const int RotationDraw = 0, ScaleDraw = 1, ShiftXDraw = 2, ShiftYDraw = 3, MorphDraw = 4, BlurDraw = 5, NoiseDraw = 6, DrawCount = 7;
}

/// <summary>
/// Training-time augmentation on the device, four launches over a gathered batch: the per-image parameters (Philox
/// draws), the gather with an affine warp (bilinear from the bytes, 0 outside), a 3×3 cross-shaped grey dilation
/// or erosion, then a separable 3-tap blur plus noise, clamped to [0, 1]. Inputs only: nothing flows back through it.
/// Every output is written by one work item from a fixed sum: runs repeat bit for bit.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class AugmentKernels
{
    // indices: (N)  parameters: (ParameterCount, N)
    public static void AugmentParameters(ArrayView<float> parameters, ArrayView<int> indices, AugmentShape s)
    {
        var r = s.Ranges;
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
        {
            var image = indices[n];
            var angle = (2f * Draw(s, image, AugmentParameter.RotationDraw) - 1f) * r.MaxRotation;
            var scale = r.MinScale + Draw(s, image, AugmentParameter.ScaleDraw) * (r.MaxScale - r.MinScale);
            var stroke = Draw(s, image, AugmentParameter.MorphDraw);
            var sigma = Draw(s, image, AugmentParameter.BlurDraw) * r.MaxBlurSigma;
            parameters[AugmentParameter.InverseCos * s.Batch + n] = XMath.Cos(angle) / scale;
            parameters[AugmentParameter.InverseSin * s.Batch + n] = XMath.Sin(angle) / scale;
            parameters[AugmentParameter.ShiftX * s.Batch + n] = (2f * Draw(s, image, AugmentParameter.ShiftXDraw) - 1f) * r.MaxShift;
            parameters[AugmentParameter.ShiftY * s.Batch + n] = (2f * Draw(s, image, AugmentParameter.ShiftYDraw) - 1f) * r.MaxShift;
            parameters[AugmentParameter.Morph * s.Batch + n] =
                stroke < r.DilateProbability ? 1f : stroke < r.DilateProbability + r.ErodeProbability ? -1f : 0f;
            parameters[AugmentParameter.BlurWeight * s.Batch + n] = sigma > 0f ? XMath.Exp(-0.5f / (sigma * sigma)) : 0f;
            parameters[AugmentParameter.NoiseSd * s.Batch + n] = Draw(s, image, AugmentParameter.NoiseDraw) * r.MaxNoise;
        }
    }

    private static float Draw(AugmentShape s, int image, int draw) =>
        DropoutMask.Uniform(s.ParameterKey, s.Epoch * AugmentParameter.DrawCount + draw, image);

    // images: (Count, H, W) u8  indices: (N)  parameters: (ParameterCount, N)  batch: (N, H, W)
    public static void AugmentWarp(ArrayView<float> batch, ArrayView<byte> images, ArrayView<int> indices, ArrayView<float> parameters,
        AugmentShape s)
    {
        var centreX = (s.Width - 1) * 0.5f;
        var centreY = (s.Height - 1) * 0.5f;
        for (var run = GridStride.RunStart; run < s.OutputLength; run += GridStride.RunStep)
        {
            for (var (i, at) = (run, PixelPosition.Of(run, s)); i < GridStride.RunEnd(run, s.OutputLength); i++, at = at.Next(s))
                batch[i] = Warped(images, indices, parameters, at.Image, at.Column - centreX, at.Row - centreY, s);
        }
    }

    /// <summary>Output pixel (centre + (x, y)) of image n: the bilinear sample at its inverse-mapped source point, /255.</summary>
    private static float Warped(ArrayView<byte> images, ArrayView<int> indices, ArrayView<float> parameters, int n, float x, float y, AugmentShape s)
    {
        var cos = parameters[AugmentParameter.InverseCos * s.Batch + n];
        var sin = parameters[AugmentParameter.InverseSin * s.Batch + n];
        var dx = x - parameters[AugmentParameter.ShiftX * s.Batch + n];
        var dy = y - parameters[AugmentParameter.ShiftY * s.Batch + n];
        var sourceX = cos * dx + sin * dy + (s.Width - 1) * 0.5f;
        var sourceY = cos * dy - sin * dx + (s.Height - 1) * 0.5f;
        var x0 = (int)XMath.Floor(sourceX);
        var y0 = (int)XMath.Floor(sourceY);
        var fx = sourceX - x0;
        var fy = sourceY - y0;
        var first = (long)indices[n] * s.Pixels;
        var top = Pixel(images, first, x0, y0, s) * (1f - fx) + Pixel(images, first, x0 + 1, y0, s) * fx;
        var bottom = Pixel(images, first, x0, y0 + 1, s) * (1f - fx) + Pixel(images, first, x0 + 1, y0 + 1, s) * fx;
        return (top * (1f - fy) + bottom * fy) * (1f / 255f);
    }

    /// <summary>
    /// Where flat index i = (n·H + row)·W + column falls, advanced one pixel at a time along a run: one division per run,
    /// not per pixel (integer division costs tens of cycles on a CPU).
    /// </summary>
    private readonly struct PixelPosition(int image, int row, int column)
    {
        public readonly int Image = image;
        public readonly int Row = row;
        public readonly int Column = column;

        public static PixelPosition Of(int i, AugmentShape s)
        {
            var image = i / s.Pixels;
            var p = i - image * s.Pixels;
            var row = p / s.Width;
            return new PixelPosition(image, row, p - row * s.Width);
        }

        public PixelPosition Next(AugmentShape s) =>
            Column + 1 < s.Width ? new PixelPosition(Image, Row, Column + 1)
            : Row + 1 < s.Height ? new PixelPosition(Image, Row + 1, 0)
            : new PixelPosition(Image + 1, 0, 0);
    }

    private static float Pixel(ArrayView<byte> images, long first, int x, int y, AugmentShape s) =>
        x >= 0 && x < s.Width && y >= 0 && y < s.Height ? (int)images[first + y * s.Width + x] : 0f;

    // x: (N, H, W)  parameters: (ParameterCount, N)  y: (N, H, W)   max (dilate) or min (erode) over the pixel and its 4 neighbours inside the image
    public static void AugmentMorph(ArrayView<float> output, ArrayView<float> input, ArrayView<float> parameters, AugmentShape s)
    {
        for (var run = GridStride.RunStart; run < s.OutputLength; run += GridStride.RunStep)
        {
            for (var (i, at) = (run, PixelPosition.Of(run, s)); i < GridStride.RunEnd(run, s.OutputLength); i++, at = at.Next(s))
                output[i] = Morphed(input, parameters, i, at.Image, at.Row, at.Column, s);
        }
    }

    private static float Morphed(ArrayView<float> input, ArrayView<float> parameters, int i, int n, int y, int x, AugmentShape s)
    {
        var morph = parameters[AugmentParameter.Morph * s.Batch + n];
        var value = input[i];
        if (morph != 0f)
        {
            var dilate = morph > 0f;
            if (x > 0) value = Pick(value, input[i - 1], dilate);
            if (x + 1 < s.Width) value = Pick(value, input[i + 1], dilate);
            if (y > 0) value = Pick(value, input[i - s.Width], dilate);
            if (y + 1 < s.Height) value = Pick(value, input[i + s.Width], dilate);
        }
        return value;
    }

    private static float Pick(float current, float neighbour, bool dilate) =>
        dilate ? (neighbour > current ? neighbour : current) : (neighbour < current ? neighbour : current);

    // x: (N, H, W)  indices: (N)  parameters: (ParameterCount, N)  y: (N, H, W)
    // y = clamp(Σ_dy k[dy] Σ_dx k[dx] x[y+dy, x+dx] + sd·z, 0, 1), k = [w, 1, w]/(1 + 2w), 0 outside; z from Philox (NoiseKey, epoch, image·P + p)
    public static void AugmentBlurNoise(ArrayView<float> output, ArrayView<float> input, ArrayView<int> indices, ArrayView<float> parameters,
        AugmentShape s)
    {
        for (var run = GridStride.RunStart; run < s.OutputLength; run += GridStride.RunStep)
        {
            for (var (i, at) = (run, PixelPosition.Of(run, s)); i < GridStride.RunEnd(run, s.OutputLength); i++, at = at.Next(s))
                output[i] = BlurredWithNoise(input, indices, parameters, i, at.Image, at.Row, at.Column, s);
        }
    }

    private static float BlurredWithNoise(ArrayView<float> input, ArrayView<int> indices, ArrayView<float> parameters, int i, int n, int y, int x,
        AugmentShape s)
    {
        var weight = parameters[AugmentParameter.BlurWeight * s.Batch + n];
        var centre = 1f / (1f + 2f * weight);
        var side = weight * centre;
        var sum = 0f;
        if (y > 0)
            sum += side * BlurredRow(input, i - s.Width, x, side, centre, s);
        sum += centre * BlurredRow(input, i, x, side, centre, s);
        if (y + 1 < s.Height)
            sum += side * BlurredRow(input, i + s.Width, x, side, centre, s);
        var value = sum + parameters[AugmentParameter.NoiseSd * s.Batch + n] * UnitNoise(s, indices[n], y * s.Width + x);
        return value < 0f ? 0f : value > 1f ? 1f : value;
    }

    private static float BlurredRow(ArrayView<float> input, int i, int x, float side, float centre, AugmentShape s)
    {
        var sum = 0f;
        if (x > 0)
            sum += side * input[i - 1];
        sum += centre * input[i];
        if (x + 1 < s.Width)
            sum += side * input[i + 1];
        return sum;
    }

    /// <summary>
    /// Zero mean, unit variance, bell-shaped: four 16-bit uniforms from one Philox draw, summed (Irwin-Hall, variance 4/12),
    /// centred and scaled by √3. Exact in float32 up to the last multiply, so every backend gives the same bits.
    /// </summary>
    private static float UnitNoise(AugmentShape s, int image, int pixel)
    {
        var bits = DropoutMask.Philox2x32((uint)image * (uint)s.Pixels + (uint)pixel, (uint)s.Epoch, s.NoiseKey);
        // Through int: C# converts ulong/uint to float via double, which OpenCL devices without fp64 reject.
        var sum = (int)(bits & 0xFFFF) + (int)((bits >> 16) & 0xFFFF) + (int)((bits >> 32) & 0xFFFF) + (int)(bits >> 48);
        return ((sum + 2) * (1f / 65536f) - 2f) * 1.7320508f;
    }
}
// Stryker restore all

/// <summary>Training-time augmentation of a gathered batch on one device (<see cref="AugmentKernels"/>).</summary>
public sealed class Augment(ComputeDevice device)
{
    // indices: (N)  parameters: (ParameterCount, N)
    public void Parameters(ArrayView<float> parameters, ArrayView<int> indices, AugmentShape s) =>
        device.Run(AugmentKernels.AugmentParameters, device.Launch(s.Batch), parameters, indices, s);

    // images: (Count, H, W) u8  indices: (N)  parameters: (ParameterCount, N)  batch: (N, H, W)
    public void Warp(ArrayView<float> batch, ArrayView<byte> images, ArrayView<int> indices, ArrayView<float> parameters, AugmentShape s) =>
        device.Run(AugmentKernels.AugmentWarp, device.LaunchRuns(s.OutputLength), batch, images, indices, parameters, s);

    // x, y: (N, H, W)  parameters: (ParameterCount, N)
    public void Morph(ArrayView<float> output, ArrayView<float> input, ArrayView<float> parameters, AugmentShape s) =>
        device.Run(AugmentKernels.AugmentMorph, device.LaunchRuns(s.OutputLength), output, input, parameters, s);

    // x, y: (N, H, W)  indices: (N)  parameters: (ParameterCount, N)
    public void BlurNoise(ArrayView<float> output, ArrayView<float> input, ArrayView<int> indices, ArrayView<float> parameters, AugmentShape s) =>
        device.Run(AugmentKernels.AugmentBlurNoise, device.LaunchRuns(s.OutputLength), output, input, indices, parameters, s);

    /// <summary>
    /// The whole pipeline into <paramref name="batch"/>: parameters, warp (into batch), morph (into scratch), blur and noise
    /// (back into batch). scratch: (N, H, W).
    /// </summary>
    public void Forward(ArrayView<float> batch, ArrayView<float> scratch, ArrayView<float> parameters, ArrayView<byte> images,
        ArrayView<int> indices, AugmentShape s)
    {
        Parameters(parameters, indices, s);
        Warp(batch, images, indices, parameters, s);
        Morph(scratch, batch, parameters, s);
        BlurNoise(batch, scratch, indices, parameters, s);
    }
}
