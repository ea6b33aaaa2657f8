using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using DataGateway.Features.Batches;
using DataGateway.Features.Caching;
using DataGateway.Features.Cases;
using DataGateway.Features.Catalog;
using DataGateway.Features.Enforcement;
using DataGateway.Features.Estate;
using DataGateway.Features.Identity;
using DataGateway.Features.Limits;
using DataGateway.Features.Matters;
using DataGateway.Features.Minimisation;
using DataGateway.Features.Observability;
using DataGateway.Features.Passthrough;
using DataGateway.Features.Privacy;
using DataGateway.Features.Simulation;
using DataGateway.Features.Sla;
using DataGateway.Features.Store;
using DataGateway.Features.Units;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);

builder.AddCatalog();
builder.AddGatewayIdentity();
builder.AddPrivacy();
builder.AddLimits();
builder.AddMinimisation();
builder.AddObservability();
builder.AddStore();
builder.AddAudit();
builder.AddCases();
builder.AddEmbeddedSimulator();
builder.AddCaching();
builder.AddUnits();
builder.AddEnforcement();
builder.AddEstate();
builder.AddSla();
builder.AddMatters();
builder.AddBatches();
builder.AddPassthrough();
builder.AddApi();

var app = builder.Build();
app.MapApi();
app.Run();

/// <summary>Entry point; public so integration tests can host the gateway.</summary>
public partial class Program;
