// ECharts with only what the UI draws (bar charts, grid, legend, tooltip, aria), on canvas:
// the rest of the library stays out of the bundle. Tooltips render on the canvas too
// (renderMode 'richText'): the HTML tooltip writes style attributes, which the server's
// Content-Security-Policy (style-src 'self') refuses.
import { BarChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use, type ComposeOption } from 'echarts/core'
import type { BarSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer])

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>

export { init }

/** Colours of the series, each 4.5:1 or more against white (as text in the legend). */
export const seriesColors = ['#1a5fb4', '#9a5b00', '#2b7a2e', '#7b3fa0', '#c0392b', '#00727a'] as const
