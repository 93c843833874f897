// Classifies image files with a model trained by ./balms train, using Balms as a library.
//   dotnet run --project examples/Balms.Example -- CHECKPOINT_OR_RUN_DIR IMAGE [IMAGE ...]
// Prints the three most probable classes of every image, first for the class prior the model was trained for
// (balanced for Balanced Softmax and BALMS), then for the class frequencies of its training set.
using Balms;
using Balms.Configuration;
using Balms.Inference;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Balms.Example CHECKPOINT_OR_RUN_DIR IMAGE [IMAGE ...]");
    return 2;
}

try
{
    using var classifier = ImageClassifier.Load(args[0], device: "cpu");
    Console.WriteLine($"{classifier.CheckpointPath}: {classifier.ClassNames.Count} classes ({string.Join(", ", classifier.ClassNames)}), trained for a {classifier.ModelPrior.ToKey()} prior");

    using var forTrainingFrequencies = classifier.WithPrior(classifier.TrainingClassCounts.Select(count => (double)count).ToArray());
    foreach (var (name, model) in new[] { ("model prior", classifier), ("training prior", forTrainingFrequencies) })
        foreach (var image in model.ClassifyBatch(args.Skip(1), top: 3))
            Console.WriteLine($"{image.Path} [{name}]: " + string.Join(", ", image.Top.Select(p => $"{p.ClassName} {p.Probability:F3}")));
    return 0;
}
catch (BalmsException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
