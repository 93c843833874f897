using Balms.Data;

namespace Balms.Evaluation;

/// <summary>
/// Progress of a pass of a model over a whole image set without training: an evaluation, or the BALMS meta set's
/// features. Training's observer extends it, so that evaluation reports progress without depending on training.
/// </summary>
public interface IPassObserver : IPassProgress;
