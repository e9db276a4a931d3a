package org.callvault.library;

import java.util.List;
import java.util.Map;

import org.reactivestreams.Publisher;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response body already cut to its range (a recording streamed from object storage), written as
 * it is. A plain {@code Flux<DataBuffer>} cannot share a handler with the local file's
 * {@code Resource} (WebFlux picks the writer from the declared type), and a {@code Resource} would
 * be cut again by the Range header; this holder has its own writer, registered below.
 */
record StreamedBody(Flux<DataBuffer> body) {

    @Configuration(proxyBeanMethods = false)
    static class Codec implements WebFluxConfigurer {

        @Override
        public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
            configurer.customCodecs().register(new Writer());
        }
    }

    static final class Writer implements HttpMessageWriter<StreamedBody> {

        @Override
        public List<MediaType> getWritableMediaTypes() {
            return List.of(MediaType.ALL);
        }

        @Override
        public boolean canWrite(ResolvableType elementType, MediaType mediaType) {
            return StreamedBody.class.isAssignableFrom(elementType.toClass());
        }

        @Override
        public Mono<Void> write(Publisher<? extends StreamedBody> input, ResolvableType elementType,
                MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
            return Mono.from(input).flatMap(streamed -> message.writeWith(streamed.body()));
        }
    }
}
