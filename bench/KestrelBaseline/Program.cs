using System.Text.Json;
using System.Text.Json.Serialization;
using MultiCloud.KestrelBaseline;

// The read-path baseline: what Kestrel and minimal APIs cost on this machine for a request shaped like the ledger's
// balance read, with no grain call behind it. Same JSON shape and size as GET /accounts/{id} of the service.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJsonContext.Default));
var app = builder.Build();
var openedAt = DateTimeOffset.UtcNow;
app.MapGet("/accounts/{accountId:guid}", (Guid accountId) => TypedResults.Ok(new BaselineAccount(accountId, "load-1234", "EUR", 999_987_654, 4_321, openedAt)));
app.MapGet("/health/ready", () => TypedResults.Ok());
app.Run();

namespace MultiCloud.KestrelBaseline
{
    /// <summary>Same fields as the ledger's account snapshot.</summary>
    /// <param name="Id">Account id.</param>
    /// <param name="Owner">Owner.</param>
    /// <param name="Currency">Currency.</param>
    /// <param name="Balance">Balance in minor units.</param>
    /// <param name="LastSequence">Last entry sequence.</param>
    /// <param name="OpenedAt">Opening time.</param>
    internal sealed record BaselineAccount(Guid Id, string Owner, string Currency, long Balance, long LastSequence, DateTimeOffset OpenedAt);

    /// <summary>Source-generated JSON, like the service's.</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(BaselineAccount))]
    internal sealed partial class BaselineJsonContext : JsonSerializerContext;
}
