namespace Balms.Sampling;

/// <summary>
/// The class-aware sampling order of the original: cycle through the classes in a random order (reshuffled each time
/// the cycle wraps), and from the current class take the next <c>samplesPerClass</c> samples of that class's own
/// cycle (also reshuffled at each wrap). With samplesPerClass = 1 a batch of B visits the classes round robin.
/// </summary>
public sealed class ClassAwareStream
{
    private readonly Cycle<int> _classes;
    private readonly Cycle<int>[] _samplesOfClass;
    private readonly int _samplesPerClass;
    private int _takenFromClass;
    private int _currentClass = -1;

    public ClassAwareStream(IReadOnlyList<int> labels, int classCount, int samplesPerClass, Random random)
    {
        var members = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < labels.Count; i++) members[labels[i]].Add(i);
        var empty = Array.FindIndex(members, m => m.Count == 0);
        if (empty >= 0) throw new BalmsException($"class-aware sampling needs an image of every class, but class {empty} has none");
        _classes = new Cycle<int>(Enumerable.Range(0, classCount).ToList(), random);
        _samplesOfClass = members.Select(m => new Cycle<int>(m, random)).ToArray();
        _samplesPerClass = samplesPerClass;
    }

    public int Next()
    {
        if (_currentClass < 0 || _takenFromClass == _samplesPerClass)
        {
            _currentClass = _classes.Next();
            _takenFromClass = 0;
        }
        _takenFromClass++;
        return _samplesOfClass[_currentClass].Next();
    }

    public int[] NextBatch(int size)
    {
        var batch = new int[size];
        for (int i = 0; i < size; i++) batch[i] = Next();
        return batch;
    }

    private sealed class Cycle<T>(List<T> items, Random random)
    {
        private int _position = items.Count;

        public T Next()
        {
            if (_position == items.Count)
            {
                Seeds.Shuffle(items, random);
                _position = 0;
            }
            return items[_position++];
        }
    }
}
