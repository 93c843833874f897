// Classifies images with a model written by `./balms export --output MODEL.onnx`, using only ONNX Runtime (and SkiaSharp
// to decode images): no Balms, no TorchSharp, no libtorch. Everything else it needs is in the file's metadata.
//   dotnet run --project examples/Balms.OnnxExample -- MODEL.onnx IMAGE [IMAGE ...]
// Prints the three most probable classes of every image, for the prior the model was exported for.
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Balms.OnnxExample MODEL.onnx IMAGE [IMAGE ...]");
    return 2;
}

using var session = new InferenceSession(args[0]);
var metadata = session.ModelMetadata.CustomMetadataMap;
if (!metadata.ContainsKey("balms_format"))
{
    Console.Error.WriteLine($"error: {args[0]} was not written by ./balms export");
    return 1;
}
var model = new ModelInput(
    Channels: Number("input_channels"), Height: Number("input_height"), Width: Number("input_width"),
    Transform: metadata["input_transform"], Mean: Json<float[]>("mean"), Std: Json<float[]>("std"));
string[] classNames = Json<string[]>("class_names");
string output = metadata["output"];
Console.WriteLine($"{args[0]}: {classNames.Length} classes; input [batch, {model.Channels}, {model.Height}, {model.Width}]: {metadata["preprocessing"]}");

// One batch of all images: the model's batch dimension is free.
string[] images = args[1..];
int imageSize = model.Channels * model.Height * model.Width;
var pixels = new float[images.Length * imageSize];
for (int i = 0; i < images.Length; i++) model.Prepare(images[i], pixels.AsSpan(i * imageSize, imageSize));
using var input = OrtValue.CreateTensorValueFromMemory(pixels, [images.Length, model.Channels, model.Height, model.Width]);
using var runOptions = new RunOptions();
using var results = session.Run(runOptions, ["images"], [input], [output]);
float[] scores = results[0].GetTensorDataAsSpan<float>().ToArray();

for (int i = 0; i < images.Length; i++)
{
    float[] row = scores[(i * classNames.Length)..((i + 1) * classNames.Length)];
    double[] probabilities = output == "probabilities" ? row.Select(p => (double)p).ToArray() : Softmax(row);
    var top = Enumerable.Range(0, classNames.Length).OrderByDescending(c => probabilities[c]).Take(3);
    Console.WriteLine($"{images[i]}: " + string.Join(", ", top.Select(c => $"{classNames[c]} {probabilities[c].ToString("F3", CultureInfo.InvariantCulture)}")));
}
return 0;

int Number(string key) => int.Parse(metadata[key], CultureInfo.InvariantCulture);

T Json<T>(string key) => JsonSerializer.Deserialize<T>(metadata[key])!;

static double[] Softmax(float[] logits)
{
    double largest = logits.Max();
    double[] exponentials = logits.Select(logit => Math.Exp(logit - largest)).ToArray();
    double total = exponentials.Sum();
    return exponentials.Select(e => e / total).ToArray();
}

/// <summary>What the model takes, from its metadata, and how an image file becomes that input.</summary>
internal sealed record ModelInput(int Channels, int Height, int Width, string Transform, float[] Mean, float[] Std)
{
    /// <summary>
    /// Decodes an image, brings it to the input size as the metadata's preprocessing says (Skia's bilinear filter is
    /// close to, not bit-identical with, the PIL resize Balms uses, so resized images may score a little differently),
    /// and writes its normalised values channel by channel.
    /// </summary>
    public void Prepare(string path, Span<float> destination)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not an image SkiaSharp reads");
        using var rgba = decoded.Copy(SKColorType.Rgba8888);
        using var sized = Resize(rgba);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                var colour = sized.GetPixel(x, y);
                // A grey model takes PIL's convert('L'): ITU-R 601 luma, rounded.
                Span<byte> values = Channels == 1
                    ? [(byte)((colour.Red * 19595 + colour.Green * 38470 + colour.Blue * 7471 + 0x8000) >> 16)]
                    : [colour.Red, colour.Green, colour.Blue];
                for (int c = 0; c < Channels; c++)
                    destination[(c * Height + y) * Width + x] = (values[c] / 255f - Mean[c]) / Std[c];
            }
    }

    /// <summary>imagenet:N shrinks the shorter side to N·256/224 and crops the centre; the others resize to the input.</summary>
    private SKBitmap Resize(SKBitmap image)
    {
        if (!Transform.StartsWith("imagenet:", StringComparison.Ordinal))
            return image.Width == Width && image.Height == Height ? image.Copy() : Scaled(image, Width, Height);
        int shorter = Height * 256 / 224;
        bool wide = image.Width >= image.Height;
        int longer = (int)((long)shorter * (wide ? image.Width : image.Height) / (wide ? image.Height : image.Width));
        using var scaled = wide ? Scaled(image, longer, shorter) : Scaled(image, shorter, longer);
        int left = (int)Math.Round((scaled.Width - Width) / 2.0), top = (int)Math.Round((scaled.Height - Height) / 2.0);
        var cropped = new SKBitmap();
        scaled.ExtractSubset(cropped, SKRectI.Create(left, top, Width, Height));
        return cropped.Copy();
    }

    private static SKBitmap Scaled(SKBitmap image, int width, int height) =>
        image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear));
}
