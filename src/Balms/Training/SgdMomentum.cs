using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>
/// SGD with momentum and L2 weight decay, as torch.optim.SGD (dampening 0, no Nesterov):
/// d = g + wd * p; m = mu * m + d (m = d on the first step); p -= lr * m.
/// Written here rather than taken from TorchSharp so that the momentum buffers are plain, inspectable tensors: the
/// Meta Sampler's virtual step needs them, and checkpoints save them for exact resume.
/// </summary>
public sealed class SgdMomentum : IDisposable
{
    public sealed record Group(string Name, IReadOnlyList<(string Name, Parameter Parameter)> Parameters, double BaseLr);

    private readonly Dictionary<string, Tensor> _momentum = new();

    public SgdMomentum(IReadOnlyList<Group> groups, double momentum, double weightDecay)
    {
        Groups = groups;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public IReadOnlyList<Group> Groups { get; }
    public double Momentum { get; }
    public double WeightDecay { get; }

    /// <summary>Momentum buffers by "group.parameter" name; absent before a parameter's first step.</summary>
    public IReadOnlyDictionary<string, Tensor> MomentumBuffers => _momentum;

    /// <summary>
    /// The momentum buffer of one parameter, null before its first step. A name that is not one of the optimiser's
    /// parameters throws: a silent null would make the Meta Sampler's virtual step drop momentum without notice.
    /// </summary>
    public Tensor? MomentumOf(string group, string parameter)
    {
        if (!Groups.Any(g => g.Name == group && g.Parameters.Any(p => p.Name == parameter)))
            throw new ArgumentException($"the optimiser has no parameter '{parameter}' in a group '{group}'");
        return _momentum.GetValueOrDefault($"{group}.{parameter}");
    }

    public void ZeroGrad()
    {
        foreach (var group in Groups)
        foreach (var (_, parameter) in group.Parameters)
            parameter.grad?.zero_();
    }

    /// <summary>One update; <paramref name="learningRate"/> maps a group to its current rate.</summary>
    public void Step(Func<Group, double> learningRate)
    {
        using var noGrad = torch.no_grad();
        foreach (var group in Groups)
        {
            double lr = learningRate(group);
            foreach (var (name, parameter) in group.Parameters)
            {
                var grad = parameter.grad;
                if (grad is null) continue;
                string key = $"{group.Name}.{name}";
                using var direction = WeightDecay != 0 ? grad.add(parameter, alpha: WeightDecay) : grad.clone();
                if (_momentum.TryGetValue(key, out var buffer))
                    buffer.mul_(Momentum).add_(direction);
                else
                    // The buffer outlives the caller's per-step dispose scope.
                    _momentum[key] = buffer = direction.clone().DetachFromDisposeScope();
                parameter.add_(buffer, alpha: -lr);
            }
        }
    }

    public void LoadMomentum(IReadOnlyDictionary<string, Tensor> buffers)
    {
        DisposeBuffers();
        foreach (var (key, value) in buffers) _momentum[key] = value.clone().DetachFromDisposeScope();
    }

    private void DisposeBuffers()
    {
        foreach (var buffer in _momentum.Values) buffer.Dispose();
        _momentum.Clear();
    }

    public void Dispose() => DisposeBuffers();
}
