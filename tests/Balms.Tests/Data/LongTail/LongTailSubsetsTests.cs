using Balms.Data;
using Balms.Data.LongTail;

namespace Balms.Tests.Data.LongTail;

public class LongTailSubsetsTests
{
    [Fact]
    public void First_per_class_keeps_the_earliest_images_of_each_class_class_by_class()
    {
        // Class 0 at 1, 4, 8; class 1 at 0, 2, 5; class 2 at 3, 6, 7.
        var source = new LabelOnlySource([1, 0, 1, 2, 0, 1, 2, 2, 0], classCount: 3);

        var subset = LongTailSubsets.FirstPerClass(source, [2, 1, 2]);

        Assert.Equal([1, 4, 0, 3, 6], subset.BaseIndices);
        Assert.Equal([0, 0, 1, 2, 2], subset.Labels);
    }

    [Fact]
    public void Fashion_mnist_lt_at_200_keeps_the_first_n_c_training_images_per_class()
    {
        var train = LabelOnlySource.Balanced(classCount: 10, perClass: 6000);

        var subset = LongTailPresets.FashionMnist(train, 200);

        // int(6000 * (1/200)^(c/9)), computed independently with Python.
        int[] expected = [6000, 3330, 1848, 1025, 569, 316, 175, 97, 54, 30];
        Assert.Equal(expected.Sum(), subset.Count);
        for (int c = 0; c < 10; c++)
        {
            // Classes are interleaved, so the k-th image of class c is sample 10k + c.
            var expectedIndices = Enumerable.Range(0, expected[c]).Select(k => 10 * k + c);
            Assert.Equal(expectedIndices, subset.BaseIndices.Where(index => index % 10 == c));
        }
    }

    [Theory]
    [InlineData(10, 200.0)]
    [InlineData(100, 100.0)]
    public void Cifar_lt_has_the_profile_counts_and_only_distinct_images_of_each_class(int classCount, double imbalanceFactor)
    {
        var train = LabelOnlySource.Balanced(classCount, 50000 / classCount);

        var subset = LongTailPresets.Cifar(train, imbalanceFactor, dataSeed: 7);

        var expected = LongTailProfile.Exponential(50000 / classCount, classCount, imbalanceFactor);
        Assert.Equal(subset.BaseIndices.Count, subset.BaseIndices.Distinct().Count());
        Assert.All(Enumerable.Range(0, subset.Count), i => Assert.Equal(train.Labels[subset.BaseIndices[i]], subset.Labels[i]));
        var counts = subset.Labels.GroupBy(label => label).OrderBy(group => group.Key).Select(group => group.Count());
        Assert.Equal(expected, counts);
        // Class blocks in class order, class 0 first.
        Assert.Equal(subset.Labels.OrderBy(label => label), subset.Labels);
    }

    [Fact]
    public void Random_subset_is_the_same_for_a_seed_and_differs_across_seeds()
    {
        var train = LabelOnlySource.Balanced(classCount: 10, perClass: 100);
        int[] counts = [50, 40, 30, 20, 10, 9, 8, 7, 6, 5];

        var first = LongTailSubsets.RandomPerClass(train, counts, seed: 1).BaseIndices;
        var again = LongTailSubsets.RandomPerClass(train, counts, seed: 1).BaseIndices;
        var other = LongTailSubsets.RandomPerClass(train, counts, seed: 2).BaseIndices;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // Not simply the first images of each class either.
        Assert.NotEqual(LongTailSubsets.FirstPerClass(train, counts).BaseIndices, first);
    }

    [Fact]
    public void Random_subset_of_a_whole_class_is_a_permutation_of_it()
    {
        var train = new LabelOnlySource([0, 1, 0, 1, 0, 1, 0], classCount: 2);

        var subset = LongTailSubsets.RandomPerClass(train, [4, 3], seed: 5);

        Assert.Equal([0, 2, 4, 6], subset.BaseIndices.Take(4).Order());
        Assert.Equal([1, 3, 5], subset.BaseIndices.Skip(4).Order());
    }

    [Fact]
    public void Class_with_too_few_images_is_named()
    {
        var train = new LabelOnlySource([0, 0, 0, 1, 2, 2], classCount: 3);

        var error = Assert.Throws<DataException>(() => LongTailSubsets.RandomPerClass(train, [3, 2, 1], seed: 0));

        Assert.Contains("class 1 ('class1') has 1 training images", error.Message);
        Assert.Contains("asks for 2", error.Message);
    }

    [Fact]
    public void Profile_of_the_wrong_length_is_refused()
    {
        var train = LabelOnlySource.Balanced(classCount: 3, perClass: 4);

        Assert.Throws<BalmsException>(() => LongTailSubsets.FirstPerClass(train, [2, 1]));
    }
}
