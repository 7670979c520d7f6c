using MultiCloud.ApiFrontend.Hosting;

// The stand-alone front end: an Orleans client serving the HTTP API. By default the API runs inside the silo
// process instead (src/Silo); run this one to scale the HTTP tier apart from the silos.
await LedgerFrontendHost.Build(args).RunAsync();
