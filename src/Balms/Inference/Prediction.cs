namespace Balms.Inference;

/// <summary>One class of a top-k answer: its id, its name and its (prior-adjusted) softmax probability.</summary>
public sealed record Prediction(int ClassIndex, string ClassName, double Probability);

/// <summary>The top-k classes of one image file, most probable first.</summary>
public sealed record ImagePredictions(string Path, IReadOnlyList<Prediction> Top);
