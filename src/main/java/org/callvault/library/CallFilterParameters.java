package org.callvault.library;

import java.util.List;

import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;

/**
 * The call filters in the API description, one documented query parameter each. The endpoints
 * take them as a map (so that every endpoint parses them the same way, in {@link CallFilter#from});
 * without this the document showed one required object called {@code params}.
 */
@Component
class CallFilterParameters implements OperationCustomizer {

    /** What {@link CallFilter#from} reads; CallFilterParametersIT compares the two. */
    static final List<Parameter> FILTERS = List.of(
            query("from", new StringSchema().example("2026-11-24"),
                    "Calls that started on or after this day (YYYY-MM-DD, the server's time zone) or instant (ISO-8601)"),
            query("to", new StringSchema().example("2026-11-30"),
                    "Calls that started before the end of this day, or before this instant"),
            query("caller", new StringSchema().maxLength(100),
                    "The caller's number starts with this (when it looks like a number), else the caller's name does"),
            query("agent", new StringSchema().maxLength(64), "Answered by this user"),
            query("state", new StringSchema()._enum(List.of("ringing", "answered", "ended", "cancelled", "rejected",
                    "missed", "failed")), "In this state (any case)"),
            query("source", new StringSchema()._enum(List.of("browser", "sip", "siprec")),
                    "How the call reached CallVault"),
            query("minSeconds", new IntegerSchema().minimum(java.math.BigDecimal.ZERO),
                    "Answered for at least this many seconds"),
            query("maxSeconds", new IntegerSchema().minimum(java.math.BigDecimal.ZERO),
                    "Answered for at most this many seconds"),
            query("q", new StringSchema().maxLength(100), "Free text in the caller's name or number"),
            query("sort", new StringSchema()._enum(List.of("newest", "oldest"))._default("newest"),
                    "Order by start time"));

    static final List<Parameter> PAGING = List.of(
            query("after", new StringSchema(), "The `next` value of the previous page; absent for the first page"),
            query("limit", new IntegerSchema().minimum(java.math.BigDecimal.ONE)
                    .maximum(java.math.BigDecimal.valueOf(LibraryApiController.MAX_PAGE))
                    ._default(LibraryApiController.DEFAULT_PAGE), "Items per page"));

    @Override
    public Operation customize(Operation operation, HandlerMethod handlerMethod) {
        CallFilterQuery query = handlerMethod.getMethodAnnotation(CallFilterQuery.class);
        if (query == null) {
            return operation;
        }
        if (operation.getParameters() != null) {
            // The method's MultiValueMap, which springdoc describes as one object named after it.
            operation.getParameters().removeIf(parameter -> "params".equals(parameter.getName()));
        }
        FILTERS.forEach(operation::addParametersItem);
        if (query.paged()) {
            PAGING.forEach(operation::addParametersItem);
        }
        return operation;
    }

    private static Parameter query(String name, Schema<?> schema, String description) {
        return new Parameter().in("query").name(name).required(false).schema(schema).description(description);
    }
}
