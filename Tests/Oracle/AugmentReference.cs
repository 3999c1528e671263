using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>
/// The float64 answer key for <see cref="Augment"/>, one method per kernel and the pipeline. The draws come from the
/// same Philox2x32 (<see cref="DropoutMask"/>, checked against its published vectors); everything built on them is here.
/// Parameters are (ParameterCount, N), as the kernels store them.
/// </summary>
public static class AugmentReference
{
    public static double[] Parameters(int[] indices, AugmentShape s)
    {
        var r = s.Ranges;
        var parameters = new double[s.ParametersLength];
        for (var n = 0; n < s.Batch; n++)
        {
            double Draw(int draw) => DropoutMask.Uniform(s.ParameterKey, s.Epoch * AugmentParameter.DrawCount + draw, indices[n]);
            var angle = (2 * Draw(AugmentParameter.RotationDraw) - 1) * r.MaxRotation;
            var scale = r.MinScale + Draw(AugmentParameter.ScaleDraw) * ((double)r.MaxScale - r.MinScale);
            var stroke = Draw(AugmentParameter.MorphDraw);
            var sigma = Draw(AugmentParameter.BlurDraw) * r.MaxBlurSigma;
            void Set(int row, double value) => parameters[row * s.Batch + n] = value;
            Set(AugmentParameter.InverseCos, Math.Cos(angle) / scale);
            Set(AugmentParameter.InverseSin, Math.Sin(angle) / scale);
            Set(AugmentParameter.ShiftX, (2 * Draw(AugmentParameter.ShiftXDraw) - 1) * r.MaxShift);
            Set(AugmentParameter.ShiftY, (2 * Draw(AugmentParameter.ShiftYDraw) - 1) * r.MaxShift);
            Set(AugmentParameter.Morph, stroke < r.DilateProbability ? 1 : stroke < (double)(r.DilateProbability + r.ErodeProbability) ? -1 : 0);
            Set(AugmentParameter.BlurWeight, sigma > 0 ? Math.Exp(-1 / (2 * sigma * sigma)) : 0);
            Set(AugmentParameter.NoiseSd, Draw(AugmentParameter.NoiseDraw) * r.MaxNoise);
        }
        return parameters;
    }

    /// <summary>batch[n, y, x] = bilinear sample of image indices[n] at src = R(−θ)(dst − c − t)/s + c, 0 outside, /255.</summary>
    public static double[] Warp(byte[] images, int[] indices, double[] parameters, AugmentShape s)
    {
        var batch = new double[s.OutputLength];
        var (centreX, centreY) = ((s.Width - 1) / 2.0, (s.Height - 1) / 2.0);
        for (var n = 0; n < s.Batch; n++)
        {
            double Get(int row) => parameters[row * s.Batch + n];
            double Pixel(int x, int y) => x >= 0 && x < s.Width && y >= 0 && y < s.Height ? images[indices[n] * s.Pixels + y * s.Width + x] : 0;
            for (var y = 0; y < s.Height; y++)
            for (var x = 0; x < s.Width; x++)
            {
                var dx = x - centreX - Get(AugmentParameter.ShiftX);
                var dy = y - centreY - Get(AugmentParameter.ShiftY);
                var (cos, sin) = (Get(AugmentParameter.InverseCos), Get(AugmentParameter.InverseSin));
                var sourceX = cos * dx + sin * dy + centreX;
                var sourceY = -sin * dx + cos * dy + centreY;
                var (x0, y0) = ((int)Math.Floor(sourceX), (int)Math.Floor(sourceY));
                var (fx, fy) = (sourceX - x0, sourceY - y0);
                var value = (1 - fy) * ((1 - fx) * Pixel(x0, y0) + fx * Pixel(x0 + 1, y0))
                            + fy * ((1 - fx) * Pixel(x0, y0 + 1) + fx * Pixel(x0 + 1, y0 + 1));
                batch[(n * s.Height + y) * s.Width + x] = value / 255;
            }
        }
        return batch;
    }

    /// <summary>Grey dilation (max) or erosion (min) over the pixel and its 4-neighbours inside the image, or a copy.</summary>
    public static double[] Morph(double[] input, double[] parameters, AugmentShape s)
    {
        var output = new double[s.OutputLength];
        (int Dx, int Dy)[] cross = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)];
        for (var n = 0; n < s.Batch; n++)
        {
            var morph = parameters[AugmentParameter.Morph * s.Batch + n];
            for (var y = 0; y < s.Height; y++)
            for (var x = 0; x < s.Width; x++)
            {
                var inside = cross.Where(c => x + c.Dx >= 0 && x + c.Dx < s.Width && y + c.Dy >= 0 && y + c.Dy < s.Height)
                    .Select(c => input[(n * s.Height + y + c.Dy) * s.Width + x + c.Dx]).ToArray();
                output[(n * s.Height + y) * s.Width + x] = morph > 0 ? inside.Max() : morph < 0 ? inside.Min() : inside[0];
            }
        }
        return output;
    }

    /// <summary>clamp(Σ k[dy]·k[dx]·x[y+dy, x+dx] + sd·z, 0, 1), k = [w, 1, w]/(1 + 2w), 0 outside the image.</summary>
    public static double[] BlurNoise(double[] input, int[] indices, double[] parameters, AugmentShape s)
    {
        var output = new double[s.OutputLength];
        for (var n = 0; n < s.Batch; n++)
        {
            var w = parameters[AugmentParameter.BlurWeight * s.Batch + n];
            double[] k = [w / (1 + 2 * w), 1 / (1 + 2 * w), w / (1 + 2 * w)];
            var sd = parameters[AugmentParameter.NoiseSd * s.Batch + n];
            for (var y = 0; y < s.Height; y++)
            for (var x = 0; x < s.Width; x++)
            {
                var sum = 0.0;
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                    if (x + dx >= 0 && x + dx < s.Width && y + dy >= 0 && y + dy < s.Height)
                        sum += k[dy + 1] * k[dx + 1] * input[(n * s.Height + y + dy) * s.Width + x + dx];
                var value = sum + sd * UnitNoise(s, indices[n], y * s.Width + x);
                output[(n * s.Height + y) * s.Width + x] = Math.Clamp(value, 0, 1);
            }
        }
        return output;
    }

    /// <summary>The sum of four 16-bit uniforms (centred on their cells) from one draw, centred and scaled to unit variance.</summary>
    public static double UnitNoise(AugmentShape s, int image, int pixel)
    {
        var bits = DropoutMask.Philox2x32(unchecked((uint)(image * s.Pixels + pixel)), (uint)s.Epoch, s.NoiseKey);
        var sum = 0.0;
        for (var part = 0; part < 4; part++)
            sum += (((bits >> (16 * part)) & 0xFFFF) + 0.5) / 65536;
        return (sum - 2) * Math.Sqrt(3);
    }

    public static double[] Forward(byte[] images, int[] indices, AugmentShape s)
    {
        var parameters = Parameters(indices, s);
        return BlurNoise(Morph(Warp(images, indices, parameters, s), parameters, s), indices, parameters, s);
    }
}
