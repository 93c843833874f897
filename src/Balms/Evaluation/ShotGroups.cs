namespace Balms.Evaluation;

public enum ShotGroup { Many, Medium, Few }

/// <summary>
/// The field's shot groups by training-set size: many (&gt; 100 images), few (&lt; 20), medium (20..100 inclusive),
/// exactly as the original's shot_acc.
/// </summary>
public static class ShotGroups
{
    public const int ManyAbove = 100;
    public const int FewBelow = 20;

    public static ShotGroup Of(long trainingCount) =>
        trainingCount > ManyAbove ? ShotGroup.Many : trainingCount < FewBelow ? ShotGroup.Few : ShotGroup.Medium;
}
