using MultiCloud.Tests.Infrastructure;
using Xunit;

// One throwaway PostgreSQL server for the whole run of this assembly, stopped when it ends, pass or fail.
[assembly: AssemblyFixture(typeof(PostgresServer))]
