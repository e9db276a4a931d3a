package org.callvault.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The head of the OpenAPI document at {@code /v3/api-docs} (and the Swagger page): what the API
 * is, which build serves it, and how a script authenticates (an API token as a bearer token;
 * a signed-in browser's session cookie works as well, but is not for scripts).
 */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

    static final String BEARER = "apiToken";

    @Bean
    OpenAPI callVaultOpenApi() {
        String version = ApiDescription.class.getPackage().getImplementationVersion();
        return new OpenAPI()
                .info(new Info().title("CallVault API")
                        .version(version == null ? "development build" : version)
                        .description("""
                                The call history and its recordings: list and filter calls (keyset pages: pass \
                                `next` back as `after`), fetch one call or recording, stream or download audio \
                                (HTTP Range), waveform peaks, CSV export; ADMIN only: delete recordings, bulk \
                                delete, run retention, users. Create a token under *API tokens* in the web \
                                interface and send it as `Authorization: Bearer cv_...`; it acts with its \
                                owner's current role. The same token (an ADMIN's) reads `/actuator/prometheus` \
                                and the health details."""))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("cv_ API token")
                        .description("An API token from the *API tokens* page")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
