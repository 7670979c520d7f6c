using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MultiCloud.ServiceDefaults;

/// <summary>Binds and validates options, both for DI (validated at start-up) and eagerly for wiring decisions.</summary>
public static class OptionsValidation
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/>, validates its data annotations at start-up.</summary>
    /// <returns>The options builder, for chaining.</returns>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
        => services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>
    /// Reads <typeparamref name="T"/> from configuration now, for decisions taken while the host is being built
    /// (e.g. memory or PostgreSQL), and validates it the same way DI will.
    /// </summary>
    /// <exception cref="OptionsValidationException">The section is invalid; the message names every key at fault.</exception>
    public static T ReadValidated<T>(this IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T),
                results.Select(r => $"{section}: {r.ErrorMessage} (keys: {string.Join(", ", r.MemberNames.Select(m => $"{section}:{m}"))})"));
        }

        return options;
    }
}
