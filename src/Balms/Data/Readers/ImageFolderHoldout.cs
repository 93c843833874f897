namespace Balms.Data.Readers;

/// <summary>Indices of one labelled list divided into train, val and test.</summary>
public sealed record HoldoutIndices(IReadOnlyList<int> Train, IReadOnlyList<int> Validation, IReadOnlyList<int> Test);

/// <summary>
/// The seeded, class-stratified split of a single image folder into train, val and test. For a class of n images,
/// round(test_fraction * n) go to test and round(val_fraction * n) to val (halves rounded up), reduced (val first)
/// so that at least one image stays in train; which images is decided by a Fisher-Yates shuffle of the class's images
/// in list order, one <see cref="Random"/>(seed) stream serving the classes in order: test takes the first of the
/// shuffled images, val the next. Every split lists its indices in ascending order.
/// </summary>
public static class ImageFolderHoldout
{
    public static HoldoutIndices Split(IReadOnlyList<int> labels, int classCount, double testFraction, double valFraction, int seed)
    {
        var random = new Random(seed);
        List<int> train = [], validation = [], test = [];
        for (int c = 0; c < classCount; c++)
        {
            int[] members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
            random.Shuffle(members);
            var (testCount, valCount) = HeldOut(members.Length, testFraction, valFraction);
            test.AddRange(members.Take(testCount));
            validation.AddRange(members.Skip(testCount).Take(valCount));
            train.AddRange(members.Skip(testCount + valCount));
        }
        return new HoldoutIndices(train.Order().ToArray(), validation.Order().ToArray(), test.Order().ToArray());
    }

    /// <summary>Test and val images of a class of <paramref name="count"/> images.</summary>
    public static (int Test, int Validation) HeldOut(int count, double testFraction, double valFraction)
    {
        int test = RoundHalfUp(testFraction * count), validation = RoundHalfUp(valFraction * count);
        int excess = Math.Max(test + validation - (count - 1), 0);
        int fromValidation = Math.Min(excess, validation);
        return (Math.Max(test - (excess - fromValidation), 0), validation - fromValidation);
    }

    private static int RoundHalfUp(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);
}
