# The gateway as one container image; run N of them behind a load balancer (README: "Deployment: several replicas").
# Build from the repository root:  docker build -t datagateway .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a code change does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/DataGateway/DataGateway.csproj src/DataGateway/
COPY src/DataGateway.Contracts/DataGateway.Contracts.csproj src/DataGateway.Contracts/
COPY src/DataGateway.Domain/DataGateway.Domain.csproj src/DataGateway.Domain/
COPY src/DataGateway.Simulator/DataGateway.Simulator.csproj src/DataGateway.Simulator/
RUN dotnet restore src/DataGateway/DataGateway.csproj
COPY protos/ protos/
COPY config/ config/
COPY src/ src/
RUN dotnet publish src/DataGateway/DataGateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Listen on every interface inside the container (the defaults bind loopback); REST and gRPC stay on separate ports
# because Kestrel serves h2c only on an HTTP/2-only endpoint. A replica talks to real units and a shared store:
# the embedded simulator is off, and the store is PostgreSQL (give Store__ConnectionString at run time).
ENV ASPNETCORE_ENVIRONMENT=Production \
    Kestrel__Endpoints__Rest__Url=http://0.0.0.0:5080 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:5081 \
    Simulator__Embedded=false \
    Store__Engine=Postgres
EXPOSE 5080 5081
# The image's unprivileged user (the .NET images define APP_UID); nothing is written inside the container. Health is
# the load balancer's job: /healthz (alive) and /readyz (store reachable) on the REST port need no token.
USER $APP_UID
ENTRYPOINT ["dotnet", "DataGateway.dll"]
