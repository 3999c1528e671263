using System.Globalization;
using Microsoft.AspNetCore.Http;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>
/// The images of a multipart/form-data request, prepared for the model on the request's thread. Only the uploaded
/// bytes are read: a part's file name names it in messages and is never opened as a path.
/// </summary>
public static class Uploads
{
    /// <summary>The request's form, within the upload limit: 413 past it, 415 when it is not multipart, 400 when it is malformed.</summary>
    public static async Task<IFormCollection> ReadForm(HttpRequest request, ServeSettings settings, CancellationToken cancel)
    {
        var limit = string.Create(CultureInfo.InvariantCulture, $"the upload limit is {settings.MaxUploadBytes / (double)(1 << 20):0.##} MB (--max-upload-mb)");
        if (request.ContentLength > settings.MaxUploadBytes)
            throw new HttpError(StatusCodes.Status413PayloadTooLarge, string.Create(CultureInfo.InvariantCulture, $"the request is {request.ContentLength:N0} bytes; {limit}"));
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
            throw new HttpError(StatusCodes.Status415UnsupportedMediaType, "send the images as multipart/form-data file parts");
        try
        {
            return await request.ReadFormAsync(cancel);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new HttpError(StatusCodes.Status413PayloadTooLarge, $"the request is too large; {limit}");
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpError(StatusCodes.Status413PayloadTooLarge, $"the request is too large; {limit}");
        }
        catch (InvalidDataException e)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, $"malformed multipart/form-data: {e.Message}");
        }
    }

    /// <summary>The file parts named <paramref name="part"/>; 400 when there is none.</summary>
    public static IReadOnlyList<IFormFile> Files(IFormCollection form, string part, string expected)
    {
        var files = form.Files.GetFiles(part);
        if (files.Count == 0)
            throw new HttpError(StatusCodes.Status400BadRequest, $"missing the file part '{part}': {expected}");
        return files;
    }

    /// <summary>
    /// The uploaded image as the model sees it: 415 when it is not an image, 413 when it has more pixels than the CLI
    /// takes, 422 when it cannot be read or holds no ink.
    /// </summary>
    public static PreparedImage Prepare(SiameseModel model, PreparedCache cache, IFormFile file)
    {
        var name = NameOf(file);
        var bytes = new byte[file.Length];
        using (var stream = file.OpenReadStream())
            stream.ReadExactly(bytes);
        try
        {
            return cache.GetOrPrepare(bytes, () => model.Prepare(SiameseImage.FromBytes(bytes, name)));
        }
        catch (UserInputException e)
        {
            throw new HttpError(StatusOf(e.Message), e.Message);
        }
    }

    /// <summary>What the upload is called: its file name without any folder, else its part's name.</summary>
    public static string NameOf(IFormFile file) => string.IsNullOrWhiteSpace(file.FileName) ? file.Name : Path.GetFileName(file.FileName);

    private static int StatusOf(string message) =>
        message.EndsWith(GrayImages.NotAnImage, StringComparison.Ordinal) ? StatusCodes.Status415UnsupportedMediaType
        : message.Contains(GrayImages.PixelLimitWords, StringComparison.Ordinal) ? StatusCodes.Status413PayloadTooLarge
        : StatusCodes.Status422UnprocessableEntity;
}
