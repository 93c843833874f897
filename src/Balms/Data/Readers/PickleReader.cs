using Balms.Data.Readers.Pickle;

namespace Balms.Data.Readers;

/// <summary>
/// Reads the pickles that Python 2's cPickle writes for dicts, lists, tuples, strings, numbers and numpy arrays, as in
/// the CIFAR "python version" files (see <see cref="PickleMachine"/> for how Python values come back). Dict keys are
/// byte or unicode strings and are stored as their text, as Python 2 compares them. Only numpy's array and dtype
/// reconstructors may be called, so a pickle cannot run code.
/// </summary>
internal sealed class PickleReader : PickleMachine
{
    private readonly string _file;

    private PickleReader(Stream input, string file) : base(input) => _file = file;

    /// <summary>Reads one pickled object from the current position of <paramref name="input"/>.</summary>
    public static object? Read(Stream input, string file) => new PickleReader(input, file).Run();

    protected override object DictKey(object? key) => PickleText.AsText(key);

    protected override object? Call(object? callable, object?[] arguments) => callable switch
    {
        PickleGlobal { Module: "numpy.core.multiarray" or "numpy._core.multiarray", Name: "_reconstruct" } => new NumpyArray(),
        PickleGlobal { Module: "numpy", Name: "dtype" } => new NumpyDtype(PickleText.AsText(arguments[0])),
        _ => throw new DataException($"{_file}: pickle calls {callable}, which is not a numpy array or dtype"),
    };

    protected override void Build(object? target, object? state)
    {
        switch (target)
        {
            case NumpyArray array:
                array.SetState(state as object?[] ?? throw new InvalidCastException(), _file);
                break;
            case NumpyDtype:
                break; // Its state only holds byte order and field layout, which one-byte types do not need.
            default:
                throw new DataException($"{_file}: pickle sets the state of {target?.GetType().Name ?? "None"}, which is not a numpy object");
        }
    }

    protected override Exception Corrupt(string what, long position) => new DataException($"{_file}: corrupt pickle at byte {position}: {what}");
}
