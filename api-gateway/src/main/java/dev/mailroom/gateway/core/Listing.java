package dev.mailroom.gateway.core;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The one shape of every list under {@code /admin} and {@code /v1}: a page of items in {@code
 * data}, and the token of the next page, null on the last. (The Email Access API keeps the shapes
 * its published contract fixes.)
 */
@Schema(description = "One page of a list")
public record Listing<T>(
    @Schema(description = "The items of this page, in the list's order") List<T> data,
    @Schema(
            description =
                "Pass as pageToken to read the next page; null when this page is the last",
            example = "AAABk2Vw3kAAAAAA.Xz9kq1M0c2lV1Hc3uB3d1Q",
            nullable = true)
        String nextPageToken) {}
