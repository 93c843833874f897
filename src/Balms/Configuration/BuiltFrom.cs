using System.Reflection;

namespace Balms.Configuration;

/// <summary>
/// Marks the class that an options variant builds: a loss, a classifier head. The class has a constructor whose first
/// parameter is that options record; <see cref="BuiltFrom.Create{T}"/> finds it, so that a new variant is its options
/// record and its class, with no list of variants to extend anywhere else.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BuiltFromAttribute(Type options) : Attribute
{
    public Type Options { get; } = options;
}

public static class BuiltFrom
{
    /// <summary>Builds the <typeparamref name="T"/> marked as built from <paramref name="options"/>' type.</summary>
    /// <param name="arguments">The constructor's parameters after the options.</param>
    public static T Create<T>(object options, params object[] arguments) where T : class
    {
        var type = Implementations<T>().TryGetValue(options.GetType(), out var found)
            ? found
            : throw new InvalidOperationException($"no {typeof(T).Name} is marked [BuiltFrom(typeof({options.GetType().Name}))]");
        try
        {
            return (T)Activator.CreateInstance(type, [options, .. arguments])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            // The constructor's own error (a BalmsException naming the bad setting), not reflection's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>Every class assignable to <typeparamref name="T"/> marked with the options type it is built from.</summary>
    public static IReadOnlyDictionary<Type, Type> Implementations<T>() =>
        typeof(T).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(T).IsAssignableFrom(t))
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<BuiltFromAttribute>()))
            .Where(x => x.Attribute is not null)
            .ToDictionary(x => x.Attribute!.Options, x => x.Type);
}
