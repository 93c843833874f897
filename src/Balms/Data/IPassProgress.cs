namespace Balms.Data;

/// <summary>
/// Progress of a pass over a whole image set that trains nothing: here, opening every image file of a dataset before
/// it is used; evaluation and the BALMS meta set's features report through Evaluation's IPassObserver, which extends
/// it. The CLI draws it as a progress bar.
/// </summary>
public interface IPassProgress
{
    void PassStarted(string description, int images);
    void PassProgress(int imagesDone);
}
