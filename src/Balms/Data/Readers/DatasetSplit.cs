namespace Balms.Data.Readers;

/// <summary>Which official split of a dataset to read.</summary>
public enum DatasetSplit
{
    Train,
    Test,
}
