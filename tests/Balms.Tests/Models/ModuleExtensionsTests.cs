using Balms.Models;

namespace Balms.Tests.Models;

public class ModuleExtensionsTests
{
    [Fact]
    public void CountsOnlyParametersThatReceiveGradients()
    {
        using var head = new LinearClassifier(featureDim: 4, numClasses: 3);
        Assert.Equal(4 * 3 + 3, head.TrainableParameterCount());

        head.named_parameters().Single(p => p.name == "fc.bias").parameter.requires_grad = false;

        Assert.Equal(4 * 3, head.TrainableParameterCount());
    }
}
