namespace Balms.Data.Readers;

/// <summary>CIFAR-10 (10 classes) or CIFAR-100 (100 fine classes), Krizhevsky 2009.</summary>
public enum CifarVariant
{
    Cifar10,
    Cifar100,
}

internal static class CifarVariantExtensions
{
    public static int ClassCount(this CifarVariant variant) => variant == CifarVariant.Cifar10 ? 10 : 100;

    public static string DisplayName(this CifarVariant variant) => variant == CifarVariant.Cifar10 ? "CIFAR-10" : "CIFAR-100";
}
