using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Models;

public class ChannelsLastTests
{
    [Fact]
    public void OfKeepsShapeAndValuesAndStoresChannelsInnermost()
    {
        // [B=2, C=3, H=4, W=5]: in NHWC order the channel index varies fastest, then width, height, batch.
        using var maps = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);

        using var converted = ChannelsLast.Of(maps);

        Assert.Equal(maps.shape, converted.shape);
        Assert.True(converted.allclose(maps, rtol: 0, atol: 0));
        Assert.Equal(new long[] { 4 * 5 * 3, 1, 5 * 3, 3 }, converted.stride());
    }

    [Fact]
    public void OfReturnsAnIndependentHandleForChannelsLastAndNon4dTensors()
    {
        using var vector = arange(6, dtype: ScalarType.Float32);
        ChannelsLast.Of(vector).Dispose();
        // Disposing the result must not dispose the caller's tensor.
        Assert.Equal(15f, vector.sum().item<float>());

        using var source = ones(1, 2, 2, 2);
        using var maps = ChannelsLast.Of(source);
        using var again = ChannelsLast.Of(maps);
        Assert.Equal(maps.stride(), again.stride());
    }

    [Fact]
    public void ConvertedKernelsKeepTheirValuesAndReceiveGradients()
    {
        using var convolution = nn.Conv2d(3, 4, kernel_size: 3, padding: 1, bias: false);
        using var before = convolution.weight!.detach().clone();

        ChannelsLast.ConvertParameters(convolution);

        var weight = convolution.weight!;
        Assert.True(weight.allclose(before, rtol: 0, atol: 0));
        Assert.Equal(1, weight.stride()[1]);
        Assert.True(weight.requires_grad);
        using var input = randn(2, 3, 5, 5);
        using var output = convolution.call(ChannelsLast.Of(input));
        using var loss = output.sum();
        loss.backward();
        // d(sum of outputs)/d(kernel) = sums of input patches: compare with the same convolution in NCHW.
        using var reference = nn.Conv2d(3, 4, kernel_size: 3, padding: 1, bias: false);
        using (no_grad()) reference.weight!.copy_(before);
        using var referenceLoss = reference.call(input).sum();
        referenceLoss.backward();
        Assert.True(weight.grad!.allclose(reference.weight!.grad!, rtol: 1e-5, atol: 1e-5));
    }
}
