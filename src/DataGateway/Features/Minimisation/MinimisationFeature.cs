using Grpc.Core;
using Grpc.Core.Interceptors;
using Google.Protobuf;

namespace DataGateway.Features.Minimisation;

/// <summary>
/// Applies <see cref="ResponseMinimiser"/> to every response of every service — gRPC and, since JSON transcoding runs
/// the same pipeline, REST — so no endpoint can forget it.
/// </summary>
internal sealed class MinimisationInterceptor(ResponseMinimiser minimiser) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var response = await continuation(request, context);
        if (response is IMessage message)
        {
            minimiser.Apply(message, context.GetHttpContext().User);
        }

        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(request, new MinimisingWriter<TResponse>(responseStream, minimiser, context), context);

    private sealed class MinimisingWriter<T>(IServerStreamWriter<T> inner, ResponseMinimiser minimiser, ServerCallContext context) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message)
        {
            if (message is IMessage protobuf)
            {
                minimiser.Apply(protobuf, context.GetHttpContext().User);
            }

            return inner.WriteAsync(message);
        }
    }
}

internal static class MinimisationFeature
{
    public static WebApplicationBuilder AddMinimisation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MinimisationOptions>().BindConfiguration("Minimisation");
        builder.Services.AddSingleton<ResponseMinimiser>();
        builder.Services.AddSingleton<MinimisationInterceptor>();
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.Interceptors.Add<MinimisationInterceptor>());
        return builder;
    }
}
