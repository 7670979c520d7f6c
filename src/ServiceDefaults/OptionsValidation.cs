using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MultiCloud.ServiceDefaults;

/// <summary>Registers options the one way this project does: bound from their section, validated when the host starts.</summary>
public static class OptionsValidation
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> and validates its data annotations (and
    /// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) when the host starts: an invalid value
    /// stops start-up with a message naming the key. A second call for the same type registers nothing more (the
    /// silo and the API share some options).
    /// </summary>
    /// <returns>The options builder, for further validation.</returns>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        var builder = services.AddOptions<T>();
        if (services.Any(d => d.ServiceType == typeof(Registered<T>)))
        {
            return builder;
        }

        services.AddSingleton<Registered<T>>();
        return builder.BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>Marks options of type <typeparamref name="T"/> as bound and validated.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    private sealed class Registered<T>;
}
