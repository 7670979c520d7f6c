using MultiCloud.Silo.Hosting;

// `dotnet run --project src/Silo`                     a silo with the HTTP API and the dashboard (in memory by default)
// `dotnet run --project src/Silo -- db-init --Database:ConnectionString=...`   apply the schema and exit
if (args is ["db-init", .. var rest])
{
    return await SchemaCommand.RunAsync(rest);
}

var app = LedgerSiloHost.Build(args);
await app.RunAsync();
return 0;
